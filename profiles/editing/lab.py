"""Lab administration outside the Django admin (/me/lab/): members, invitations, merges."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from profiles import permissions, services
from profiles.editing import activity, forms
from profiles.models import AuthorshipClaim, Invitation, Profile
from publications import services as publication_services


def lab_admin_view(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not permissions.can_manage_lab(request.user):
            raise Http404  # members do not learn that these pages exist
        return view(request, *args, **kwargs)

    return wrapper


def _site_url(request):
    return request.build_absolute_uri("/")


@lab_admin_view
def members(request):
    profiles = Profile.objects.select_related("user").order_by("status", "display_order", "full_name")
    rows = [(profile, forms.MembershipForm(instance=profile, prefix=f"m{profile.pk}")) for profile in profiles]
    invitations = Invitation.objects.select_related("profile", "created_by")[:100]
    return render(
        request,
        "me/lab/members.html",
        {
            "rows": rows,
            "invitations": invitations,
            "invite_form": forms.InvitationForm(),
            "merge_form": forms.MergeForm(),
            "can_manage_lab": True,
        },
    )


@lab_admin_view
@require_POST
def membership(request, slug):
    profile = get_object_or_404(Profile.objects.select_related("user"), slug=slug)
    form = forms.MembershipForm(request.POST, instance=profile, prefix=f"m{profile.pk}")
    if form.is_valid():
        try:
            services.profile_set_membership(
                actor=request.user, profile=profile, changes=form.changes(), version=form.cleaned_data["version"]
            )
            wanted = form.cleaned_data.get("is_lab_admin")
            if profile.user and wanted is not None and wanted != permissions.is_lab_admin(profile.user):
                services.user_set_lab_admin(actor=request.user, user=profile.user, is_lab_admin=wanted)
        except services.EditConflict:
            messages.error(request, f"{profile} was changed by someone else meanwhile; nothing saved. Try again.")
        except ValidationError as error:
            messages.error(request, f"{profile}: {' '.join(error.messages)}")
        else:
            messages.success(request, f"Saved {profile}.")
    else:
        errors = "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items())
        messages.error(request, f"{profile} not saved: {errors}")
    return redirect("me:lab")


@lab_admin_view
def invite(request):
    form = forms.InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _ = services.invitation_create(
                actor=request.user,
                email=form.cleaned_data["email"],
                site_url=_site_url(request),
                profile=form.cleaned_data["profile"],
                full_name=form.cleaned_data["full_name"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Invitation sent to {invitation.email} for {invitation.profile}.")
            return redirect("me:lab")
    context = {"form": form, "can_manage_lab": True, "days": settings.INVITATION_DAYS}
    return render(request, "me/lab/invite.html", context)


@lab_admin_view
@require_POST
def invitation_resend(request, pk):
    invitation = get_object_or_404(Invitation, pk=pk)
    try:
        services.invitation_resend(actor=request.user, invitation=invitation, site_url=_site_url(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"A new link was sent to {invitation.email}; the old one no longer works.")
    return redirect("me:lab")


@lab_admin_view
@require_POST
def invitation_revoke(request, pk):
    invitation = get_object_or_404(Invitation, pk=pk)
    services.invitation_revoke(actor=request.user, invitation=invitation)
    messages.success(request, f"Invitation for {invitation.email} revoked.")
    return redirect("me:lab")


@lab_admin_view
def merge(request):
    form = forms.MergeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        source, target = form.cleaned_data["source"], form.cleaned_data["target"]
        try:
            target = services.profiles_merge(actor=request.user, source=source, target=target)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Merged into {target}; /people/{source.slug}/ now redirects there.")
            return redirect("me:lab")
    return render(request, "me/lab/merge.html", {"form": form, "can_manage_lab": True})


@lab_admin_view
def activity_log(request):
    """Who did what across the lab, newest first; filter by member and by kind."""
    member = None
    if request.GET.get("member"):
        member = Profile.objects.filter(slug=request.GET["member"]).first()
    kind, page = activity.kind_of(request), activity.page_number(request)
    rows, has_next = activity.feed(profile=member, kind=kind, page=page)
    claims = AuthorshipClaim.objects.select_related("profile", "publication", "claimed_by", "decided_by")[:30]
    context = {
        "rows": rows,
        "has_next": has_next,
        "page": page,
        "kind": kind,
        "member": member,
        "kinds": activity.KIND_CHOICES,
        "members": Profile.objects.order_by("full_name").only("slug", "full_name"),
        "claims": claims,
        "can_manage_lab": True,
    }
    return render(request, "me/lab/activity.html", context)


@lab_admin_view
@require_POST
def claim_undo(request, pk):
    claim = get_object_or_404(AuthorshipClaim, pk=pk)
    try:
        publication_services.authorship_claim_undo(actor=request.user, claim=claim)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Claim of “{claim.name}” by {claim.profile} undone: the slot is unlinked.")
    return redirect("me:lab_activity")
