"""Forms of the self-editing pages (/me/), the lab admin pages and the account pages."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms import formset_factory

from profiles import fields as profile_fields
from profiles import permissions, sections, services, uploads
from profiles.models import Profile
from publications import fields as publication_fields
from publications.models import Publication


def is_markdown_field(model_field):
    return str(getattr(model_field, "help_text", "")).startswith("Markdown")


class VersionedForm(forms.ModelForm):
    """A ModelForm that carries the fingerprint of the row it was rendered from.

    The service compares it with the row inside select_for_update and refuses the save
    when someone else changed the item meanwhile (see services.EditConflict).
    """

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = services.fingerprint(self.instance)
        for name, field in self.fields.items():
            if name not in (self._meta.fields or ()):
                continue
            if is_markdown_field(self._meta.model._meta.get_field(name)):
                field.widget.attrs.update({"data-markdown": "", "rows": 6 if name.startswith("long") else 4})

    def changes(self):
        """Cleaned values of the model fields in this form (what the service writes)."""
        return {name: self.cleaned_data[name] for name in self._meta.fields if name in self.cleaned_data}

    def show_conflict(self, conflict):
        """Re-arm the form after an EditConflict: the next submit overwrites knowingly."""
        self.data = self.data.copy()
        self.data["version"] = services.fingerprint(conflict.current)
        self.conflict = [
            (self.fields[name].label or name, getattr(conflict.current, name, ""))
            for name in conflict.changed_fields
            if name in self.fields and str(getattr(conflict.current, name, "")) != str(self.data.get(name, ""))
        ]
        self.add_error(
            None,
            "Someone else changed this item since you opened it. Nothing was saved: "
            "compare with the saved values below, then save again to overwrite them.",
        )


class IdentityForm(VersionedForm):
    class Meta:
        model = Profile
        fields = profile_fields.IDENTITY_FORM


class AboutForm(VersionedForm):
    class Meta:
        model = Profile
        fields = profile_fields.ABOUT_FORM
        labels = {"interest_tags": "Interests (comma-separated)"}


class MembershipForm(VersionedForm):
    """What only a lab admin sets: role, status, alumni details, published flag."""

    is_lab_admin = forms.BooleanField(required=False, label="Lab admin")

    class Meta:
        model = Profile
        fields = profile_fields.MEMBERSHIP_FORM
        widgets = {"verified_names": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.instance.user
        if user is None:
            del self.fields["is_lab_admin"]
        else:
            self.fields["is_lab_admin"].initial = permissions.is_lab_admin(user)


class AvatarForm(forms.Form):
    avatar = forms.FileField(
        help_text="JPEG, PNG or WebP; it is cropped to a square for the thumbnails.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    def clean_avatar(self):
        upload = self.cleaned_data["avatar"]
        uploads.decode_avatar(upload)  # raises ValidationError; the service decodes again
        upload.seek(0)
        return upload


def scope_choices(form, profile):
    """Limit every related-object choice of a section form to this profile's own rows
    (the same rule as the API's: profiles.sections.scoped_queryset)."""
    for field in form.fields.values():
        queryset = getattr(field, "queryset", None)
        if queryset is not None:
            field.queryset = sections.scoped_queryset(queryset.model, profile)


def section_form_class(config):
    widgets = {"visibility": forms.RadioSelect, **config.widgets}
    return forms.modelform_factory(config.model, form=VersionedForm, fields=list(config.fields), widgets=widgets)


# --- Publications ---------------------------------------------------------------------


class PublicationForm(VersionedForm):
    class Meta:
        model = Publication
        fields = publication_fields.FORM


class AuthorForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(max_length=200)
    equal_contribution = forms.BooleanField(required=False, label="Co-first (*)")
    corresponding = forms.BooleanField(required=False, label="Corresponding (†)")
    is_self = forms.BooleanField(required=False, label="This is me")


class BaseAuthorFormSet(forms.BaseFormSet):
    def rows(self):
        """Kept rows in the order given (ORDER field first, then as listed)."""
        kept = [
            f for f in self.forms if f.has_changed() and f.cleaned_data.get("name") and not self._should_delete_form(f)
        ]
        if self.can_order:
            kept.sort(key=lambda f: (f.cleaned_data.get("ORDER") is None, f.cleaned_data.get("ORDER") or 0))
        return [
            {k: f.cleaned_data.get(k) for k in ("id", "name", "equal_contribution", "corresponding", "is_self")}
            for f in kept
        ]

    def clean(self):
        if any(self.errors):
            return
        rows = self.rows()
        if not rows:
            raise ValidationError("Add at least one author.")
        if self.require_self and sum(1 for r in rows if r["is_self"]) != 1:
            raise ValidationError("Tick “This is me” on exactly one author.")

    require_self = True


AuthorFormSet = formset_factory(AuthorForm, formset=BaseAuthorFormSet, extra=3, can_order=True, can_delete=True)


# --- Lab administration ---------------------------------------------------------------


class InvitationForm(forms.Form):
    email = forms.EmailField()
    profile = forms.ModelChoiceField(
        queryset=Profile.objects.filter(user__isnull=True),
        required=False,
        empty_label="— a new profile —",
        help_text="An existing profile without an account, or leave empty and give a name.",
    )
    full_name = forms.CharField(max_length=200, required=False, label="Name (for a new profile)")

    def clean(self):
        data = super().clean()
        if not data.get("profile") and not (data.get("full_name") or "").strip():
            raise ValidationError("Choose a profile or give the new member's name.")
        return data


class MergeForm(forms.Form):
    source = forms.ModelChoiceField(queryset=Profile.objects.all(), label="Merge this profile…", to_field_name="slug")
    target = forms.ModelChoiceField(
        queryset=Profile.objects.all(), label="…into this one (it stays)", to_field_name="slug"
    )
    confirm = forms.BooleanField(label="I understand the first profile is removed and its address redirects.")

    def clean(self):
        data = super().clean()
        if data.get("source") and data.get("source") == data.get("target"):
            raise ValidationError("Choose two different profiles.")
        return data


# --- Accounts -----------------------------------------------------------------------
