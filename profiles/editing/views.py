"""Self-editing views. Thin: resolve what may be edited, validate a form, call a service.

Every view runs for one profile: the user's own at /me/..., or any profile at
/me/profiles/<slug>/... for lab admins (a member asking for someone else's gets 404).
Objects named in URLs or POST bodies are fetched *within that profile* (a forged id is
simply not found), and the services check the permission again inside the transaction.
"""

import copy
import re
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from profiles import permissions, selectors, services
from profiles.editing import activity, forms, registry
from profiles.imports import files as importing
from profiles.markdown import render_markdown
from profiles.models import AuthorshipClaim, ImportDraft, Profile, Statement
from publications import services as publication_services
from publications.models import Authorship, Publication

# --- Which profile, and building its URLs ----------------------------------------------


class Editing:
    """The profile being edited in this request and how to link within its pages."""

    def __init__(self, request, profile, slug):
        self.request = request
        self.profile = profile
        self.slug = slug  # None on /me/ (one's own profile)

    def url(self, name, *args):
        if self.slug:
            return reverse(f"me:profile_{name}", args=[self.slug, *args])
        return reverse(f"me:{name}", args=args)

    def context(self, **extra):
        return {
            "ed": self,
            "profile": self.profile,
            "edit_slug": self.slug,
            "sections": [s for s in registry.SECTIONS if s.top_level],
            "can_manage_lab": permissions.can_manage_lab(self.request.user),
            **extra,
        }


def _editable_profile(request, slug):
    user = request.user
    if slug is None:
        pid = permissions.own_profile_id(user)
        if pid is None:
            raise Http404("You have no profile to edit.")
        profile = Profile.objects.select_related("user").get(pk=pid)
    else:
        profile = Profile.objects.select_related("user").filter(slug=slug).first()
        if profile is None or not permissions.can_edit_profile(user, profile):
            raise Http404("No such profile.")
    return profile


def editing_view(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, slug=None, **kwargs):
        own = permissions.own_profile_id(request.user)
        if slug is None and own is None and view.__name__ == "dashboard" and permissions.can_manage_lab(request.user):
            return redirect("me:lab")  # a lab admin without a profile of their own
        ed = Editing(request, _editable_profile(request, slug), slug)
        return view(request, ed, *args, **kwargs)

    return wrapper


def _reject_forged_choices(form):
    """A choice outside this profile's own rows can only come from a forged POST: 404."""
    for errors in form.errors.as_data().values():
        for error in errors:
            if getattr(error, "code", None) in {"invalid_choice", "invalid_pk_value"}:
                raise Http404("No such item.")


# --- Dashboard, profile fields, avatar --------------------------------------------------


@editing_view
def dashboard(request, ed):
    counts = []
    for section in registry.SECTIONS:
        if section.top_level:
            rows = section.model._default_manager.filter(permissions.belongs_to(section.model, ed.profile))
            counts.append((section, rows.filter(**section.lookups).count()))
    drafts, imports = selectors.import_review(ed.profile)
    can_confirm = bool(drafts) or any(record.pending for record in imports)
    return render(
        request,
        "me/dashboard.html",
        ed.context(counts=counts, drafts=drafts, imports=imports, can_confirm=can_confirm),
    )


# --- Imported drafts: review, confirm, dismiss the leftovers ---------------------------------


@editing_view
@require_POST
def imports_confirm_all(request, ed):
    """ "Confirm all": every draft of this profile is published, its imports' papers are added."""
    report = importing.import_drafts_confirm(actor=request.user, profile=ed.profile)
    if report.errors:
        messages.error(request, "Nothing was confirmed: " + "; ".join(report.errors[:5]))
    else:
        messages.success(request, f"Confirmed the imported items ({report.summary()}).")
        for line in report.notes + report.warnings:
            messages.info(request, line)
    return redirect(ed.url("dashboard"))


@editing_view
@require_POST
def section_confirm(request, ed, key, pk):
    section = _section(key)
    item = _item(section, ed.profile, pk)
    if not getattr(item, "draft", False):
        raise Http404("This item is not an imported draft.")
    services.section_item_confirm(actor=request.user, item=item)
    messages.success(request, f"Confirmed “{item}”: it now shows on the page (as its visibility allows).")
    if _safe_next(request):
        return redirect(request.POST["next"])
    return redirect(_back_url(ed, section, _parent_of(section, item)))


@editing_view
@require_POST
def import_dismiss(request, ed, pk):
    draft = get_object_or_404(ImportDraft, pk=pk, profile=ed.profile)
    services.import_leftovers_dismiss(actor=request.user, draft=draft)
    messages.success(request, f"Dismissed what {draft.source} left unplaced.")
    return redirect(ed.url("dashboard"))


PROFILE_FORMS = {"identity": (forms.IdentityForm, "Identity"), "about": (forms.AboutForm, "Bio and interests")}


def _profile_form(request, ed, part):
    form_class, title = PROFILE_FORMS[part]
    form = form_class(request.POST or None, instance=ed.profile)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(
                actor=request.user,
                profile=ed.profile,
                changes=form.changes(),
                version=form.cleaned_data["version"],
            )
        except services.EditConflict as conflict:
            form.show_conflict(conflict)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{title} saved.")
            return redirect(ed.url(part))
    return render(request, "me/profile_form.html", ed.context(form=form, title=title, part=part))


@editing_view
def identity(request, ed):
    return _profile_form(request, ed, "identity")


@editing_view
def about(request, ed):
    return _profile_form(request, ed, "about")


@editing_view
def avatar(request, ed):
    form = forms.AvatarForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if request.POST.get("remove"):
            services.profile_remove_avatar(actor=request.user, profile=ed.profile)
            messages.success(request, "Avatar removed.")
            return redirect(ed.url("avatar"))
        if form.is_valid():
            try:
                services.profile_set_avatar(actor=request.user, profile=ed.profile, upload=form.cleaned_data["avatar"])
            except ValidationError as error:
                form.add_error("avatar", error)
            else:
                messages.success(request, "Avatar updated.")
                return redirect(ed.url("avatar"))
    return render(request, "me/avatar.html", ed.context(form=form))


@editing_view
def visitor_preview(request, ed):
    """The public page exactly as an anonymous visitor gets it (same selector, same template)."""
    if not ed.profile.published:
        return render(request, "me/unpublished.html", ed.context())
    anonymous = AnonymousUser()
    page = selectors.profile_page(anonymous, ed.profile.slug)
    visitor_request = copy.copy(request)
    visitor_request.user = anonymous
    response = render(visitor_request, "profiles/profile.html", {"page": page, "profile": page.profile})
    banner = render(request, "me/_preview_banner.html", ed.context()).content
    # Put a note at the top of <main>; the public template itself stays untouched.
    response.content = re.sub(rb"(<main\b[^>]*>)", lambda m: m.group(1) + banner, response.content, count=1)
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
@require_POST
def markdown_preview(request):
    """Sanitised HTML of a Markdown text: the same renderer and allowlist as the public pages."""
    if not permissions.can_use_editing(request.user):
        raise PermissionDenied
    text = request.POST.get("text", "")[:100_000]
    inline = request.POST.get("inline") == "1"
    return HttpResponse(render_markdown(text, inline=inline), content_type="text/html; charset=utf-8")


# --- Sections (generic) -----------------------------------------------------------------


def _section(key):
    section = registry.get(key)
    if section is None:
        raise Http404("No such section.")
    return section


def _items(section, profile):
    model = section.model
    return model._default_manager.filter(permissions.belongs_to(model, profile), **section.lookups)


def _item(section, profile, pk):
    return get_object_or_404(_items(section, profile), pk=pk)


def _parent(section, profile, parent_id):
    """The containing item named in the request, looked up inside this profile only."""
    if section.parent_model is None:
        return None
    try:
        parent_id = int(parent_id)
    except (TypeError, ValueError):
        raise Http404("No such item.") from None
    model = section.parent_model
    rows = model._default_manager.filter(permissions.belongs_to(model, profile), **section.parent_lookups)
    return get_object_or_404(rows, pk=parent_id)


def _parent_of(section, item):
    return getattr(item, section.parent_field) if section.parent_model else None


def _back_url(ed, section, parent):
    """Where to go after a change: the parent's page for nested items, else the list."""
    if parent is not None:
        parent_section = registry.section_for(parent)
        return ed.url("section_edit", parent_section.key, parent.pk)
    return ed.url("section_list", section.key)


def _new_instance(section, profile, parent):
    item = section.model()
    if hasattr(item, "profile_id"):
        item.profile = profile
    if parent is not None:
        setattr(item, section.parent_field, parent)
        if section.parent_field == "parent":
            item.project_id, item.experience_id = parent.project_id, parent.experience_id
            item.open_source_id = parent.open_source_id
    return item


def _form(section, profile, data=None, instance=None):
    form = forms.section_form_class(section)(data, instance=instance)
    forms.scope_choices(form, profile)
    return form


def _children(section, item, profile):
    """Nested lists on an item's page (e.g. a position's highlights and projects)."""
    result = []
    for child in registry.children_of(section):
        rows = _items(child, profile).filter(**{child.parent_field: item}).order_by("position", "id")
        result.append((child, list(rows)))
    return result


@editing_view
def section_list(request, ed, key):
    section = _section(key)
    if not section.top_level:
        raise Http404("This section is edited inside its parent item.")
    items = list(_items(section, ed.profile).order_by("position", "id"))
    return render(request, "me/section_list.html", ed.context(section=section, items=items))


@editing_view
def section_add(request, ed, key):
    section = _section(key)
    parent = _parent(section, ed.profile, request.POST.get("parent") or request.GET.get("parent"))
    form = _form(section, ed.profile, request.POST or None, instance=_new_instance(section, ed.profile, parent))
    if request.method == "POST":
        if form.is_valid():
            try:
                item = services.section_item_create(
                    actor=request.user,
                    profile=ed.profile,
                    model=section.model,
                    values=form.changes(),
                    parent=parent,
                    parent_field=section.parent_field,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, f"Added “{item}”.")
                # A new position, project or statement opens for its highlights or share link.
                if section.top_level and (section.children or section.model is Statement):
                    return redirect(ed.url("section_edit", section.key, item.pk))
                return redirect(_back_url(ed, section, parent))
        else:
            _reject_forged_choices(form)
    return render(
        request,
        "me/section_form.html",
        ed.context(section=section, form=form, parent=parent, back=_back_url(ed, section, parent)),
    )


@editing_view
def section_edit(request, ed, key, pk):
    section = _section(key)
    item = _item(section, ed.profile, pk)
    parent = _parent_of(section, item)
    form = _form(section, ed.profile, request.POST or None, instance=item)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.section_item_update(
                    actor=request.user, item=item, values=form.changes(), version=form.cleaned_data["version"]
                )
            except services.EditConflict as conflict:
                form.show_conflict(conflict)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Saved.")
                return redirect(_back_url(ed, section, parent))
        else:
            _reject_forged_choices(form)
    item.refresh_from_db()
    return render(
        request,
        "me/section_form.html",
        ed.context(
            section=section,
            form=form,
            item=item,
            parent=parent,
            back=_back_url(ed, section, parent),
            children=_children(section, item, ed.profile),
        ),
    )


@editing_view
def section_delete(request, ed, key, pk):
    section = _section(key)
    item = _item(section, ed.profile, pk)
    parent = _parent_of(section, item)
    if request.method == "POST":
        label = str(item)
        services.section_item_delete(actor=request.user, item=item)
        messages.success(request, f"Deleted “{label}”. It can be restored from the history.")
        return redirect(_back_url(ed, section, parent))
    return render(
        request,
        "me/confirm_delete.html",
        ed.context(section=section, item=item, back=_back_url(ed, section, parent)),
    )


@editing_view
@require_POST
def section_move(request, ed, key, pk):
    section = _section(key)
    item = _item(section, ed.profile, pk)
    try:
        services.section_item_move(actor=request.user, item=item, direction=request.POST.get("direction"))
    except ValidationError:
        return HttpResponse("Move up or down.", status=400)
    if _safe_next(request):
        return redirect(request.POST["next"])
    return redirect(_back_url(ed, section, _parent_of(section, item)))


def _safe_next(request):
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next")
    return bool(target) and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


# --- History ----------------------------------------------------------------------------


def _history_rows(obj):
    """Versions of one object, newest first, each with what changed from the one before."""
    records = list(obj.history.select_related("history_user").order_by("-history_date", "-history_id")[:100])
    rows = []
    for record, previous in zip(records, [*records[1:], None], strict=True):
        changes = []
        if previous is not None:
            delta = record.diff_against(previous, excluded_fields=["updated_at", "created_at"])
            changes = [(c.field, c.old, c.new) for c in delta.changes]
        rows.append({"record": record, "changes": changes, "initial": previous is None})
    return rows


@editing_view
def section_history(request, ed, key, pk):
    section = _section(key)
    item = _item(section, ed.profile, pk)
    if not permissions.can_view_history(request.user, item):
        raise Http404
    return render(
        request,
        "me/history.html",
        ed.context(
            section=section,
            item=item,
            rows=_history_rows(item),
            restore_name="section_restore",
            restore_args=[section.key, item.pk],
            back=ed.url("section_edit", section.key, item.pk),
        ),
    )


@editing_view
@require_POST
def section_restore(request, ed, key, pk, history_id):
    section = _section(key)
    item = _item(section, ed.profile, pk)
    try:
        services.history_restore(actor=request.user, item=item, history_id=history_id)
    except ValidationError as error:
        messages.error(request, f"That version cannot be restored: {'; '.join(error.messages)}")
    else:
        messages.success(request, "Earlier version restored.")
    return redirect(ed.url("section_edit", section.key, item.pk))


@editing_view
def profile_history(request, ed):
    return render(
        request,
        "me/history.html",
        ed.context(
            item=ed.profile,
            rows=_history_rows(ed.profile),
            restore_name="profile_restore",
            restore_args=[],
            back=ed.url("dashboard"),
        ),
    )


@editing_view
@require_POST
def profile_restore(request, ed, history_id):
    try:
        services.history_restore(actor=request.user, item=ed.profile, history_id=history_id)
    except ValidationError as error:
        messages.error(request, f"That version cannot be restored: {'; '.join(error.messages)}")
    else:
        messages.success(request, "Earlier version of the profile restored.")
    return redirect(ed.url("profile_history"))


# --- Statements: share links ------------------------------------------------------------


def _statement(ed, pk):
    return get_object_or_404(Statement, pk=pk, profile=ed.profile)


@editing_view
@require_POST
def statement_share(request, ed, pk):
    statement = services.statement_share_link_create(actor=request.user, statement=_statement(ed, pk))
    messages.success(request, f"Share link created: {request.build_absolute_uri(statement.get_share_url())}")
    return redirect(ed.url("section_edit", "statements", statement.pk))


@editing_view
@require_POST
def statement_unshare(request, ed, pk):
    statement = services.statement_share_link_revoke(actor=request.user, statement=_statement(ed, pk))
    messages.success(request, "Share link revoked: the old link no longer works.")
    return redirect(ed.url("section_edit", "statements", statement.pk))


# --- Publications -------------------------------------------------------------------------


@editing_view
def publications(request, ed):
    authorships = (
        Authorship.objects.filter(profile=ed.profile)
        .select_related("publication")
        .order_by("-publication__year", "publication__title")
    )
    claimable = list(publication_services.claimable_authorships(ed.profile)[:50])
    pending = set(
        AuthorshipClaim.objects.filter(
            profile=ed.profile, status=AuthorshipClaim.Status.PENDING, authorship__in=[a.pk for a in claimable]
        ).values_list("authorship_id", flat=True)
    )
    for authorship in claimable:
        authorship.claim_pending = authorship.pk in pending
    to_decide = publication_services.claims_to_decide(request.user)[:50]
    return render(
        request,
        "me/publications.html",
        ed.context(authorships=authorships, claimable=claimable, to_decide=to_decide),
    )


def _author_initial(publication, profile):
    return [
        {
            "id": a.pk,
            "name": a.name,
            "equal_contribution": a.equal_contribution,
            "corresponding": a.corresponding,
            "is_self": a.profile_id == profile.pk,
            "ORDER": a.position,
        }
        for a in publication.authorships.order_by("position")
    ]


def _publication_form(request, ed, publication=None):
    form = forms.PublicationForm(request.POST or None, instance=publication or Publication())
    initial = (
        _author_initial(publication, ed.profile)
        if publication
        else [{"name": ed.profile.full_name, "is_self": True, "ORDER": 1}]
    )
    authors = forms.AuthorFormSet(request.POST or None, prefix="authors", initial=initial)
    if request.method == "POST" and form.is_valid() and authors.is_valid():
        try:
            if publication is None:
                publication = publication_services.publication_create(
                    actor=request.user, profile=ed.profile, values=form.changes(), authors=authors.rows()
                )
            else:
                publication_services.publication_update(
                    actor=request.user,
                    publication=publication,
                    values=form.changes(),
                    authors=authors.rows(),
                    version=form.cleaned_data["version"],
                    profile=ed.profile,
                )
        except services.EditConflict as conflict:
            form.show_conflict(conflict)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Saved “{publication.title}”.")
            return redirect(ed.url("publications"))
    return render(
        request,
        "me/publication_form.html",
        ed.context(form=form, authors=authors, publication=publication),
    )


@editing_view
def publication_add(request, ed):
    return _publication_form(request, ed)


@editing_view
def publication_edit(request, ed, pk):
    # Only publications this profile is an author of are reachable from its pages.
    publication = get_object_or_404(Publication.objects.filter(authorships__profile=ed.profile).distinct(), pk=pk)
    if not permissions.can_edit_publication(request.user, publication):
        raise Http404
    return _publication_form(request, ed, publication)


@editing_view
@require_POST
def authorship_claim(request, ed, pk):
    authorship = get_object_or_404(publication_services.claimable_authorships(ed.profile), pk=pk)
    try:
        claim = publication_services.authorship_claim(actor=request.user, profile=ed.profile, authorship=authorship)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if claim.status == AuthorshipClaim.Status.APPROVED:
            messages.success(request, f"“{authorship.publication.title}” is now on your profile.")
        else:
            messages.info(
                request,
                f"“{authorship.name}” is not one of your verified names: your claim on "
                f"“{authorship.publication.title}” waits for a lab admin or a co-author to confirm it.",
            )
    return redirect(ed.url("publications"))


@login_required
@require_POST
def claim_decide(request, pk, decision):
    """Approve or refuse a pending claim (a lab admin, or a member linked to the paper)."""
    if decision not in {"approve", "refuse"}:
        raise Http404
    claim = get_object_or_404(publication_services.claims_to_decide(request.user), pk=pk)
    try:
        publication_services.authorship_claim_decide(actor=request.user, claim=claim, approve=decision == "approve")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        verb = "approved" if decision == "approve" else "refused"
        messages.success(request, f"Claim of “{claim.name}” by {claim.profile} {verb}.")
    return redirect(request.POST["next"] if _safe_next(request) else reverse("me:lab_activity"))


def _own_authorship(ed, pk):
    return get_object_or_404(Authorship.objects.select_related("publication"), pk=pk, profile=ed.profile)


@editing_view
@require_POST
def authorship_unlink(request, ed, pk):
    authorship = _own_authorship(ed, pk)
    publication_services.authorship_unlink(actor=request.user, authorship=authorship)
    messages.success(request, f"“{authorship.publication.title}” is no longer linked to this profile.")
    return redirect(ed.url("publications"))


@editing_view
@require_POST
def authorship_select(request, ed, pk):
    authorship = _own_authorship(ed, pk)
    publication_services.authorship_set_selected(
        actor=request.user, authorship=authorship, selected=request.POST.get("selected") == "1"
    )
    return redirect(ed.url("publications"))


# --- Activity -------------------------------------------------------------------------------


@editing_view
def activity_log(request, ed):
    """What happened to this profile and its papers (whoever did it), and what its member did."""
    kind, page = activity.kind_of(request), activity.page_number(request)
    rows, has_next = activity.feed(profile=ed.profile, kind=kind, page=page)
    return render(
        request,
        "me/activity.html",
        ed.context(rows=rows, has_next=has_next, page=page, kind=kind, kinds=activity.KIND_CHOICES),
    )
