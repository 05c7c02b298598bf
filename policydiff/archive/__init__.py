"""The edge that talks to archives and live sites: one HTTP session, Wayback-compatible
archives. Nothing else in policydiff touches the network."""
