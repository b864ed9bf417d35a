"""The command palette (ctrl+p): every action of the app and of the current screen, by name."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from explorer.tui.actions import APP, GROUPS, ActionSpec
from explorer.tui.widgets.key_bar import offered


class ActionsProvider(Provider):
    """Commands named like "explain: zoom", each running what its key runs."""

    def _specs(self) -> list[tuple[ActionSpec, str, object]]:
        screen = self.screen
        out: list[tuple[ActionSpec, str, object]] = [(s, "jira-perms", self.app) for s in APP.specs
                                                     if s.action not in ("command_palette", "dismiss_messages")]
        for group_id in getattr(screen, "KEY_GROUPS", ()):
            group = GROUPS.get(group_id)
            if group is not None:
                out += [(s, group.title.lower(), screen) for s in group.specs]
        return [(s, area, target) for s, area, target in out if self._works(s, target)]

    def _works(self, spec: ActionSpec, target) -> bool:
        return offered(self.app, target, spec)

    async def _run(self, target, action: str) -> None:
        await self.app.run_action(action, target)

    async def discover(self) -> Hits:
        for spec, area, target in self._specs():
            yield DiscoveryHit(f"{area}: {spec.label}", partial(self._run, target, spec.action), help=spec.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for spec, area, target in self._specs():
            title = f"{area}: {spec.label}"
            score = max(matcher.match(title), matcher.match(spec.help) * 0.8)
            if score > 0:
                yield Hit(score, matcher.highlight(title), partial(self._run, target, spec.action), help=spec.help)
