"""Hooks: how a lower app lets higher apps contribute without importing them.

A lower app declares a Hook; a higher app registers a function on it in its
AppConfig.ready(); the lower app calls every registered function where it needs their part
(e.g. declarations asks attachments which files are still missing before a submission).
"""


class Hook:
    def __init__(self, name: str, doc: str = ""):
        self.name = name
        self.__doc__ = doc
        self._functions = []

    def register(self, function):
        """Register once (ready() may run more than once in tests); usable as a decorator."""
        if function not in self._functions:
            self._functions.append(function)
        return function

    def results(self, *args, **kwargs) -> list:
        """Each registered function's result, in registration order."""
        return [function(*args, **kwargs) for function in self._functions]

    def __repr__(self):
        return f"<Hook {self.name}: {len(self._functions)} registered>"


def add_panels(context: dict, hook: Hook, *args) -> dict:
    """Ask a panels hook for its panels ({'template': name, **context} or None each) and put
    them on a page's context: `panel_templates` lists the templates to include, in order."""
    context.setdefault("panel_templates", [])
    for panel in hook.results(*args):
        if panel:
            panel = dict(panel)
            context["panel_templates"].append(panel.pop("template"))
            context.update(panel)
    return context
