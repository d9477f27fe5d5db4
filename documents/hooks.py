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
