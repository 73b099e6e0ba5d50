"""The "in your own words" step of the flow: a text box before the body map, the findings
read from it for the person to confirm or correct, then the usual flow.

- ``GET /describe``: the text box ("Tell us about your pain in your own words"; for a
  clinician, a clinical note), optional: "Skip" goes straight to the body map.
- ``POST /describe``: reads the text (:mod:`hipnav.web.intake`) and shows each finding read,
  with the words it came from, as a choice set to what was read (:mod:`hipnav.web.confirm`).
  The text travels in the request body, never in an address, and is not kept: once the
  findings are confirmed, they are the state. An empty text goes on to the body map.
- ``GET /describe/confirm``: folds the confirmed findings into the flow state and sends the
  person to the body map, places ticked; the questions then skip what was confirmed.

Like the rest of the flow, every page works without JavaScript and the server keeps nothing.
"""

from __future__ import annotations

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from hipnav.bad_input import BadInput
from hipnav.intake.profile import profile_of
from hipnav.web.confirm import CHOICE_PREFIX, confirmation, quotes, read_choices, with_choices
from hipnav.web.forms import FlowState, parse_state
from hipnav.web.intake import PAGE_MAX_CHARS, read_text, text_problem, too_long
from hipnav.web.pages import Pages
from hipnav.web.site import Site
from hipnav.web.work_queue import Busy

#: Form fields of the text box page that are not part of the flow state.
_OWN_FIELDS = {"text", "edit"}


class IntakePages:
    def __init__(self, site: Site, pages: Pages) -> None:
        self.site = site
        self.pages = pages

    def routes(self) -> list[Route]:
        return [
            Route("/describe", self.describe, methods=["GET"]),
            Route("/describe", self.read, methods=["POST"]),
            Route("/describe/confirm", self.confirm, methods=["GET"]),
        ]

    def _describe_page(self, request: Request, state: FlowState, text: str = "", error: str | None = None,
                       status_code: int = 200) -> Response:
        return self.site.render(request, "describe.html", status_code=status_code, state=state, text=text,
                                error=error, max_chars=PAGE_MAX_CHARS, step="describe")

    async def describe(self, request: Request) -> Response:
        state = parse_state(request.query_params.multi_items(), self.site.kb, self.site.body_map)
        return self._describe_page(request, state)

    async def read(self, request: Request) -> Response:
        """The text box's form: the description read and shown back for confirmation."""
        form = await request.form()
        fields = [(k, v) for k, v in form.multi_items() if not isinstance(v, UploadFile)]
        text = next((v for k, v in fields if k == "text"), "")
        state = parse_state([(k, v) for k, v in fields if k not in _OWN_FIELDS], self.site.kb,
                            self.site.body_map)
        if any(k == "edit" for k, _ in fields):
            return self._describe_page(request, state, text)
        if not text.strip():
            return RedirectResponse(f"/where?{state.query()}", status_code=303)
        long = too_long(text)
        if long:  # refused whole and shown again whole: a cut text could lose what matters most
            return self._describe_page(request, state, text, status_code=400, error=long)
        problem = text_problem(text)
        if problem:
            return self._describe_page(request, state, text, status_code=400, error=_plain(problem))
        try:
            extraction = await read_text(text, self.site.kb)
        except Busy as busy:  # the description stays in its box for the person to send again
            page = self._describe_page(request, state, text, status_code=503, error=(
                "could not be read just now: many are being read at once. Please send it again in a few "
                "seconds, or skip this step"))
            page.headers["retry-after"] = str(busy.retry_after)
            return page
        items, asides = confirmation(extraction, text, self.site.kb, self.site.body_map)
        # Age and sex as the one reader of the basics reads them (issue 13: offered for the
        # person to confirm; what they set already wins)
        profile = profile_of(extraction)
        about = {"age": state.age if state.age is not None else profile.age,
                 "sex": state.sex or profile.sex}
        basics = sorted({(s.start, s.end) for name in ("age", "sex") for s in profile.evidence(name)})
        said = quotes(text, basics, limit=1) if basics else ()
        ranges = [(s.start, s.end) for s in extraction.spans if s.used]
        whole = quotes(text, ranges, context=len(text), limit=1) if ranges else ()
        return self.site.render(
            request, "confirm.html", state=state, items=items, asides=asides, text=text,
            whole=whole[0] if whole else None,
            hidden_numbers=[i.field for i in items if i.is_number] + ["age", "sex"], about=about, said=said,
            choice_prefix=CHOICE_PREFIX, step="describe")

    async def confirm(self, request: Request) -> Response:
        """The confirmed findings into the flow state; on to the body map."""
        kb = self.site.kb
        raw = request.query_params.multi_items()
        params = with_choices(raw, read_choices(raw, kb), self.site.body_map)
        try:
            state = parse_state(params, kb, self.site.body_map)
        except BadInput as exc:  # a number corrected out of its range: marked on the body-map page
            return await self.pages.correct_form(request, params, exc)
        return RedirectResponse(f"/where?{state.query()}", status_code=303)


def _plain(problem: str) -> str:
    """The extractor's reason a text cannot be read, as the end of "Your description ..."."""
    if "English" in problem:
        return "could not be read: only English is understood. Please write in English, or skip this step"
    if "no words" in problem:
        return "has no words in it. Please describe your pain in words, or skip this step"
    return f"could not be read ({problem})"
