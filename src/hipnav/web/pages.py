"""The HTML pages of the anonymous flow: landing, body map, one question at a time, result.

Every page is rendered on the server and works without JavaScript; the state of the flow is
in the URL (see :mod:`hipnav.web.forms`), so no session is stored. Handlers only read the
state, call the library and render: the clinical work is :func:`hipnav.assessment.assess`
and :func:`hipnav.engine.next_question`. The result is one URL with two representations,
``/result`` (HTML) and ``/result.json`` (the same data as JSON), as in datasette.
"""

from __future__ import annotations

from typing import Any

import msgspec
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from hipnav.assessment import Assessment, assess
from hipnav.bad_input import BadInput
from hipnav.describe import clinical_name, said
from hipnav.engine import parse_case
from hipnav.flow import MAX_SCREENS, next_screen, safety_screen, stops, unchecked
from hipnav.result import describe, encode
from hipnav.web.api import explain_count
from hipnav.web.errors import on_bad_input
from hipnav.web.field_errors import worded
from hipnav.web.forms import MAX_VALUE_CHARS, FlowState, parse_state, read_screen
from hipnav.web.result_view import (
    helpful_questions,
    leading,
    provider_summary,
    references,
    rule_out_view,
    urgency_view,
)
from hipnav.web.site import Site

#: Causes shown open on the result page; the rest are one click away.
TOP_CAUSES = 6


class Pages:
    def __init__(self, site: Site) -> None:
        self.site = site

    def routes(self) -> list[Route]:
        return [
            Route("/", self.landing, methods=["GET"]),
            Route("/where", self.where, methods=["GET"]),
            Route("/safety", self.safety, methods=["GET"]),
            Route("/question", self.question, methods=["GET"]),
            Route("/result", self.result, methods=["GET"]),
            Route("/result.json", self.result_json, methods=["GET"]),
            Route("/result/print", self.result_print, methods=["GET"]),
        ]

    # -- helpers -------------------------------------------------------------------------

    def _state(self, request: Request) -> FlowState:
        return parse_state(request.query_params.multi_items(), self.site.kb, self.site.body_map)

    def _assess(self, state: FlowState) -> Assessment:
        """The state's case (which :func:`parse_state` has validated) assessed."""
        return assess(parse_case(state.raw_case(self.site.body_map), self.site.kb), self.site.model)

    def where_page(self, request: Request, state: FlowState, errors: dict[str, str] | None = None,
                   status_code: int = 200, typed: dict[str, str] | None = None) -> Response:
        """The body-map page. Answers given already (from a description the person confirmed,
        or before going back) that raise a red flag put the urgency banner at its top.
        ``errors`` (input id -> sentence) and ``typed`` (a refused field's text, shown again
        in its box) come from :meth:`correct_form`."""
        kb = self.site.kb
        urgency = None
        if state.answers:
            view = urgency_view(describe(self._assess(state), None), kb)
            urgency = view if view.red_flags else None
        clinician = state.mode == "clinician"
        numbers = [f for f in kb.findings.values() if f.type == "number" and f.id != "age"
                   and (clinician or not f.is_exam)]
        bmap = self.site.body_map
        return self.site.render(
            request, "where.html", status_code=status_code, state=state, bmap=bmap, chosen=set(state.where),
            chosen_labels=[bmap.label(f) for f in bmap.choices if f in state.where], numbers=numbers,
            number_values=dict(state.numbers), settings=kb.settings if clinician else {},
            errors=errors or {}, typed=typed or {}, urgency=urgency, step="where")

    def _form_fields(self, clinician: bool) -> dict[str, tuple[str, str]]:
        """The body-map form's fields: parameter -> (input id, name in words)."""
        fields = {"age": ("field-age", "Age"), "sex": ("field-sex", "Sex"),
                  "setting": ("field-setting", "The setting")}
        for f in self.site.kb.findings.values():
            if f.type == "number" and f.id != "age":
                fields[f.id] = (f"field-{f.id}", clinical_name(f) if clinician else f.text)
        return fields

    async def correct_form(self, request: Request, params: list[tuple[str, str]], exc: BadInput) -> Response:
        """After refused values of the body-map form: that page again with every refused field
        marked beside it and what was typed kept in its box, nothing else lost (the places
        ticked, the answers); the plain 400 page for anything a form does not send."""
        clinician = ("mode", "clinician") in params
        fields = self._form_fields(clinician)
        refused = {r.field for r in exc.every}
        if not refused <= fields.keys():
            return await on_bad_input(request, exc)
        try:
            kept = parse_state([(k, v) for k, v in params if k not in refused], self.site.kb,
                               self.site.body_map)
        except BadInput:
            return await on_bad_input(request, exc)
        typed = {k: v[:MAX_VALUE_CHARS] for k, v in params if k in refused}
        return self.where_page(request, kept, worded(exc, fields), status_code=400, typed=typed)

    # -- pages -----------------------------------------------------------------------------

    async def landing(self, request: Request) -> Response:
        return self.site.render(request, "landing.html")

    async def where(self, request: Request) -> Response:
        try:
            state = self._state(request)
        except BadInput as exc:
            return await self.correct_form(request, request.query_params.multi_items(), exc)
        return self.where_page(request, state)

    def _read(self, request: Request) -> tuple[FlowState, list[tuple[str, str]]]:
        params = request.query_params.multi_items()
        return self._state(request), read_screen(params, self.site.kb)

    async def safety(self, request: Request) -> Response:
        """The safety questions on one screen; once answered, a stop with advice if an answer
        raised an emergency or urgent warning sign, else on to the questions."""
        try:
            state, answers = self._read(request)
        except BadInput as exc:
            return await self.correct_form(request, request.query_params.multi_items(), exc)
        submitted = request.query_params.get("screen") == "safety"
        state = state.with_screen(answers, counted=False)
        result = self._assess(state)
        kb = self.site.kb
        if submitted:
            if stops(result):
                return self.site.render(request, "stop.html", state=state,
                                        urgency=urgency_view(describe(result, None), kb), step="safety")
            return RedirectResponse(f"/question?{state.query()}", status_code=303)
        screen = safety_screen(result, state.question_set, state.skipped())
        if not screen:
            return RedirectResponse(f"/question?{state.query()}", status_code=303)
        view = urgency_view(describe(result, None), kb)
        return self.site.render(request, "safety.html", state=state, screen=screen, kb_findings=kb.findings,
                                urgency=view if view.red_flags else None, step="safety")

    async def question(self, request: Request) -> Response:
        """Apply the screen of answers just given, then show the next screen (the safety
        questions first, if any is still open) or go to the result."""
        kb = self.site.kb
        try:
            state, answers = self._read(request)
        except BadInput as exc:
            return await self.correct_form(request, request.query_params.multi_items(), exc)
        state = state.with_screen(answers)
        result = self._assess(state)
        if safety_screen(result, state.question_set, state.skipped()):
            return RedirectResponse(f"/safety?{state.query()}", status_code=303)
        shown = next_screen(result, state.question_set, state.skipped(), len(state.screens))
        if not shown:
            return RedirectResponse(f"/result?{state.query()}", status_code=303)
        back = (f"/question?{state.back().query()}" if state.screens
                else f"/safety?{state.without(frozenset(kb.screening)).query()}")
        return self.site.render(
            request, "question.html", state=state, questions=shown,
            findings=[kb.findings[q.finding] for q in shown], screen_number=len(state.screens) + 1,
            max_screens=MAX_SCREENS, urgency=urgency_view(describe(result, None), kb), back=back,
            step="questions")

    def _result_context(self, state: FlowState, assessment: Assessment, printable: bool,
                        explain_all: bool = False) -> dict[str, Any]:
        kb = self.site.kb
        # The less likely causes are listed with their bars; their reasons are one link away
        # (?explain=all), which keeps the page light and quick for a phone.
        result = describe(assessment, None)
        causes = result.explanations or ()
        shown = causes if explain_all else causes[:TOP_CAUSES]
        refs = references(shown)
        questions = helpful_questions(assessment, state.question_set, state.skipped())
        open_safety = unchecked(assessment, state.question_set)
        urgency = urgency_view(result, kb, [kb.findings[f].text for f in open_safety])
        # An emergency or urgent result says one thing: get help. Self-care from the guides is
        # for a result that leaves time for it.
        advice = () if urgency.alarming else tuple(
            (c, self.site.advice[c.condition]) for c in leading(causes) if c.condition in self.site.advice)
        return {
            "state": state, "urgency": urgency, "causes": causes[:TOP_CAUSES], "advice": advice,
            "rule_out": rule_out_view(result, kb), "said": lambda reason: said(reason, kb),
            "more_causes": shown[TOP_CAUSES:], "more_ranked": causes[TOP_CAUSES:], "references": refs,
            "ref_numbers": {s.reference: i for i, s in enumerate(refs, start=1)},
            "questions": questions,
            "summary": provider_summary(result, assessment.case, kb, self.site.body_map, state.skipped(),
                                        clinician=state.mode == "clinician"),
            # helpful_questions lists a question exactly when next_question would ask one.
            "can_continue": bool(questions) and len(state.screens) < MAX_SCREENS,
            "safety_open": len(open_safety),
            "setting_name": kb.settings[assessment.case.setting or kb.default_setting],
            "printable": printable,
            "explain_all": explain_all,
            "step": "result",
        }

    async def result(self, request: Request) -> Response:
        """The result; a screen of questions sent with "Finish now" counts its answers."""
        state, answers = self._read(request)
        state = state.with_screen(answers)
        result = self._assess(state)
        context = self._result_context(state, result, False, request.query_params.get("explain") == "all")
        return self.site.render(request, "result.html", **context)

    async def result_print(self, request: Request) -> Response:
        """The result with every explanation open and no navigation, for paper or a PDF."""
        state = self._state(request)
        result = self._assess(state)
        return self.site.render(request, "result.html", **self._result_context(state, result, True))

    async def result_json(self, request: Request) -> Response:
        """The same result as JSON: the API's assess output, with the case it was made from."""
        explain = explain_count(request.query_params)
        assessment = self._assess(self._state(request))
        result = msgspec.structs.replace(describe(assessment, explain), case=assessment.case.to_json())
        return Response(encode(result), media_type="application/json")
