"""Signal and hook registrations of the committee stage: results.

Called from CommitteeConfig.ready()."""


def connect():
    pass
