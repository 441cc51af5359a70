from django.urls import path

from publications.site import views

app_name = "publications"

urlpatterns = [
    path("", views.publication_list, name="list"),
    # "<key>.bib" first: citation keys may contain dots.
    path("<str:key>.bib", views.publication_bibtex_file, name="bibtex_file"),
    path("<str:key>/bibtex/", views.publication_bibtex_file, name="bibtex"),
    path("<str:key>/", views.publication_detail, name="detail"),
]
