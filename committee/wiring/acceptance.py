"""Signal and hook registrations of the committee stage: acceptance.

Called from CommitteeConfig.ready()."""


def connect():
    pass
