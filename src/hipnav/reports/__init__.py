"""Reports of an assessment for the person's healthcare provider: a PDF summary and an
HL7 FHIR R4 Bundle, both built from the saved result document (:mod:`.document`).

Heavy imports (ReportLab, fhir.resources) happen inside the modules that need them; import
:mod:`hipnav.reports.pdf` or :mod:`hipnav.reports.fhir` directly.
"""

from hipnav.reports.subject import ReportSubject

__all__ = ["ReportSubject"]
