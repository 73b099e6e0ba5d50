"""The clinic: practitioners' accounts, client records, outcome tracking and provider reports,
added to the web app by :mod:`hipnav.web.app` through :data:`routes.routes`.

Pages live under ``/clinic`` (HTML forms with CSRF tokens) and ``/clinic/api`` (JSON, with
the CSRF token in a header); the anonymous result page gains "PDF for my provider" and FHIR
downloads at ``/result/provider.pdf`` and ``/result/fhir.json``. All data goes through
:mod:`hipnav.store`, which enforces who may see what and writes the audit log.
"""
