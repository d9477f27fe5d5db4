"""帮助: the guides of docs/guides/ as pages, and their screenshots (public: no personal data)."""

from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from guides import render as markdown
from guides.roles import BY_ROLE, GUIDES, IMAGE_NAME, images_dir, markdown_of


def _image_url(target: str) -> str | None:
    name = target.removeprefix("images/")
    if target.startswith("images/") and IMAGE_NAME.match(name):
        return reverse("guides:image", args=[name])
    return None


def _link_url(target: str) -> str | None:
    """Links between guides (applicant.md → /help/applicant/); other links keep only their
    text, except absolute site paths and web addresses."""
    if target == "README.md":
        return reverse("guides:index")
    if target.endswith(".md") and target.removesuffix(".md") in BY_ROLE:
        return reverse("guides:guide", args=[target.removesuffix(".md")])
    if target.startswith(("/", "https://", "http://")):
        return target
    return None


@require_GET
def index(request):
    return render(request, "guides/index.html", {"guides": GUIDES})


@require_GET
def guide(request, role: str):
    entry = BY_ROLE.get(role)
    if entry is None:
        raise Http404
    try:
        text = markdown_of(role)
    except FileNotFoundError:
        raise Http404 from None
    # Safe: the renderer escapes every piece of the Markdown it puts in the page.
    body = mark_safe(markdown.render(text, image=_image_url, link=_link_url))
    return render(request, "guides/guide.html", {"guide": entry, "body": body, "guides": GUIDES})


@require_GET
def image(request, name: str):
    """A screenshot of docs/guides/images/, by a name of the form <role>-NN-<slug>.png that
    is one of the files there (the listing is the whitelist: nothing else can be reached)."""
    if not IMAGE_NAME.match(name):
        raise Http404
    folder = images_dir()
    if not folder.is_dir() or name not in {path.name for path in folder.iterdir()}:
        raise Http404
    response = FileResponse((folder / name).open("rb"), content_type="image/png")
    response["Cache-Control"] = "public, max-age=3600"
    return response
