"""hipnav's web application: pages for people in pain and for clinicians, and a JSON API.

A thin layer over :mod:`hipnav.assessment` and :mod:`hipnav.engine`: route handlers read
input, call the library and render. Build the app with :func:`hipnav.web.app.create_app`;
``hipnav serve`` runs it under uvicorn. Nothing is imported here, so that importing a
submodule stays cheap.
"""
