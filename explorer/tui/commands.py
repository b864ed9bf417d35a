"""The command palette (ctrl+p): every action of the app and of the current screen, by name."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from explorer.tui.actions import APP_ACTIONS, ActionSpec


class ActionsProvider(Provider):
    """Commands named like "explain: open", each with the key that runs it."""

    def _specs(self) -> list[tuple[ActionSpec, object]]:
        specs: list[tuple[ActionSpec, object]] = [(s, self.app) for s in APP_ACTIONS if s.action != "command_palette"]
        screen = self.screen
        for binding in getattr(type(screen), "BINDINGS", []):
            bid = getattr(binding, "id", None)
            if bid and not bid.startswith(("picker.", "help.")):
                specs.append((ActionSpec(bid, binding.key, binding.action, binding.description,
                                         binding.tooltip or binding.description), screen))
        return specs

    def _title(self, spec: ActionSpec) -> str:
        area = spec.id.split(".", 1)[0]
        area = {"app": "jira-perms", "browse": "browse", "explain": "explain", "table": "table",
                "matrix": "matrix"}.get(area, area)
        return f"{area}: {spec.label.lower()}"

    async def _run(self, target, action: str) -> None:
        await target.run_action(action)

    async def discover(self) -> Hits:
        for spec, target in self._specs():
            yield DiscoveryHit(self._title(spec), partial(self._run, target, spec.action), help=spec.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for spec, target in self._specs():
            title = self._title(spec)
            score = max(matcher.match(title), matcher.match(spec.help) * 0.8)
            if score > 0:
                yield Hit(score, matcher.highlight(title), partial(self._run, target, spec.action), help=spec.help)
