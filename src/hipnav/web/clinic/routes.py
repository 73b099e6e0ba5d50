"""Every route of the clinic, collected for :func:`hipnav.web.app.create_app`."""

from __future__ import annotations

from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from hipnav.web.clinic import admin, api, assessments, clients, outcome_forms, sessions, two_factor
from hipnav.web.clinic.context import STATIC

routes: list[BaseRoute] = [
    *sessions.routes,
    *two_factor.routes,
    *clients.routes,
    *outcome_forms.routes,
    *assessments.routes,
    *admin.routes,
    *api.routes,
    Mount("/clinic/static", app=StaticFiles(directory=STATIC), name="clinic-static"),
]
