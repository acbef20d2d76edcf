"""Dashboards: plotly figures, the standalone offline site and its PDF, from an OfficeReport.

Takes the evaluation's data (callcenter.evaluation.model) and returns figures or files; it never
opens a database session or a socket.
"""
