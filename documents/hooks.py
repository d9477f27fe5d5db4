"""What apps above documents contribute to the generated PDFs (registered in their
AppConfig.ready())."""

from core.hooks import Hook

committee_result = Hook(
    "committee_result",
    "fn(declaration, round) -> dict or None: the committee's result of the round for the "
    "evaluation form's last block, with the keys result (评审结论), votes (表决情况: a text, "
    "or a dict of expected/present/approve/oppose/abstain), decided_on (a date) and note; "
    "the first answer wins. Until one answers, the block is printed empty to be filled in.",
)

document_grants = Hook(
    "document_grants",
    "fn(user, declaration_pk) -> round or None: a round of the declaration whose evaluation "
    "form and expert packet this user may download although they neither hold nor held it "
    "(committee: the experts of an open meeting with the declaration on its agenda, not "
    "recused); the first answer wins. Asked only when the ordinary rule refuses.",
)
