from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitteeConfig(AppConfig):
    name = "committee"
    verbose_name = _("评委会评审")

    def ready(self):
        # The committee stage sits above declarations, review and documents: it listens to
        # their signals and fills their hooks. Each area registers its own (committee/wiring/).
        from committee.wiring import acceptance, meetings, results

        acceptance.connect()
        meetings.connect()
        results.connect()
