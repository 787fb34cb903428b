"""The web console (管理后台): server-rendered pages over the six services' HTTP APIs."""
