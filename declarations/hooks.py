"""What apps above declarations contribute to it (registered in their AppConfig.ready())."""

from core.hooks import Hook

submission_problems = Hook(
    "submission_problems",
    "fn(declaration, plan_sections) -> {plan_section_id: [message, …]}: what stops submission "
    "besides the section data (attachments: required files missing or still being checked). "
    "A plan section with needs_proof False (its saved data has nothing to prove: no row, no "
    "current title) does not need its required files.",
)
snapshot_parts = Hook(
    "snapshot_parts",
    "fn(declaration) -> dict merged into the submission snapshot (attachments: the file list).",
)
section_panels = Hook(
    "section_panels",
    "fn(request, declaration, plan_section, editable) -> {'template': name, **context} or None: "
    "panels shown under a section's form (attachments: the upload slots).",
)
declaration_panels = Hook(
    "declaration_panels",
    "fn(request, declaration) -> {'template': name, **context} or None: panels on a "
    "declaration's pages, for the applicant (overview, timeline) and the organizations that "
    "handle it (review page) (documents: the evaluation form and the expert packet).",
)
creation_refusals = Hook(
    "creation_refusals",
    "fn(actor, plan) -> message or None: why this person may not declare now (committee: a "
    "ban after a result revoked for fraud, naming the date until which it runs).",
)
certificate_cells = Hook(
    "certificate_cells",
    "fn(request, declarations) -> {declaration_id: {'label': text, 'url': url or None}}: the "
    "证书状态 column of the applicant's list of declarations (committee: 下载证书).",
)
