"""The pools' writes: pools and settings (``pools``), invitations and memberships
(``memberships``), contributions (``contributions``), the live cells (``cells``) and signed
releases (``releases``)."""
