"""Signal and hook registrations of the committee stage: meetings.

Called from CommitteeConfig.ready()."""


def connect():
    pass
