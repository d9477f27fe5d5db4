"""Who may have which generated document, and reading them.

The evaluation form goes to the applicant and to each organization that holds or held the
declaration (declarations.selectors.visible_declarations_q: the same rule as its files); the
expert packet only to an organization that receives declarations as a committee office
(institutions.access Capability.RECEIVE) and holds or held this one. Applicants and the
current holder get the current round's documents; an organization that held the declaration
earlier gets those of the round it last received. Anyone else is told the declaration does
not exist (404), whatever the id.
"""

from dataclasses import dataclass

from django.http import Http404
from django.utils.translation import gettext as _

from core.prepared import prepared
from declarations.models import Declaration
from declarations.selectors import visible_declarations_q
from documents import hooks
from documents.models import DocumentKind, GeneratedDocument
from institutions import access
from review.models import Review


@dataclass(frozen=True)
class Viewer:
    """What the user may get of a declaration: the round, and the kinds of document."""

    round: int | None
    kinds: tuple[str, ...]

    def may(self, kind: str) -> bool:
        return bool(self.round) and kind in self.kinds


NOBODY = Viewer(None, ())


def get_declaration(user, pk: int) -> Declaration:
    """A declaration the user may see (one query); anything else is not found."""
    declaration = (
        Declaration.objects.select_related("plan__series", "plan__level", "applicant", "holder")
        .filter(visible_declarations_q(user), pk=pk)
        .first()
    )
    if declaration is None:
        raise Http404(_("未找到该申报。"))
    return declaration


def viewer(user, declaration) -> Viewer:
    """The round and kinds of document the user may have of a declaration they may see (no
    query for the applicant and the holder; one for an organization that held it before)."""
    if not getattr(user, "is_authenticated", False):
        return NOBODY
    if user.pk == declaration.applicant_id:
        return Viewer(declaration.round or None, (DocumentKind.FORM,))
    organizations = {o.pk: o for o in access.organizations_of(user)}
    rounds: dict[int, int] = {}
    if declaration.holder_id in organizations:
        rounds[declaration.holder_id] = declaration.round
    others = set(organizations) - set(rounds)
    if others:
        for organization_id, round_ in Review.objects.filter(
            declaration_id=declaration.pk, organization_id__in=others
        ).values_list("organization_id", "round"):
            rounds[organization_id] = round_
    if not rounds:
        return NOBODY
    kinds = [DocumentKind.FORM]
    if any(access.may(organizations[pk], access.Capability.RECEIVE) for pk in rounds):
        kinds.append(DocumentKind.PACKET)
    return Viewer(max(rounds.values()) or None, tuple(kinds))


@prepared
def _round_documents(*, declaration, round, kinds):
    return GeneratedDocument.objects.filter(
        declaration_id=declaration, round=round, kind__in=kinds
    ).order_by()


def documents_of(declaration, seen: Viewer) -> dict[str, GeneratedDocument]:
    """The documents of the viewer's round, by kind (one query)."""
    if not seen.round:
        return {}
    # One row per kind (one_document_per_round_and_kind): no ORDER BY, whose default joins the
    # declaration to sort by it.
    return {
        document.kind: document
        for document in _round_documents(
            declaration=declaration.pk, round=seen.round, kinds=list(seen.kinds)
        )
    }


def granted(user, declaration_pk: int) -> tuple[Declaration, Viewer] | None:
    """A declaration and what the user may have of it by a grant of a higher app
    (hooks.document_grants: the experts of a meeting), or None."""
    for round_ in hooks.document_grants.results(user, declaration_pk):
        if round_:
            declaration = (
                Declaration.objects.select_related(
                    "plan__series", "plan__level", "applicant", "holder"
                )
                .filter(pk=declaration_pk)
                .first()
            )
            if declaration is None:
                return None
            return declaration, Viewer(round_, (DocumentKind.FORM, DocumentKind.PACKET))
    return None


def get_document(user, declaration_pk: int, kind: str):
    """(declaration, viewer, document or None) for a kind the user may have; otherwise 404."""
    try:
        declaration = get_declaration(user, declaration_pk)
        seen = viewer(user, declaration)
    except Http404:
        grant = granted(user, declaration_pk)
        if grant is None:
            raise
        declaration, seen = grant
    if kind not in DocumentKind.values or not seen.may(kind):
        raise Http404(_("未找到该文件。"))
    document = GeneratedDocument.objects.filter(
        declaration_id=declaration.pk, round=seen.round, kind=kind
    ).first()
    return declaration, seen, document


def latest_packets(declaration_ids) -> dict[int, GeneratedDocument]:
    """The newest round's packet of each declaration (one query)."""
    packets: dict[int, GeneratedDocument] = {}
    for document in GeneratedDocument.objects.filter(
        declaration_id__in=list(declaration_ids), kind=DocumentKind.PACKET
    ).order_by("declaration_id", "round"):
        packets[document.declaration_id] = document
    return packets
