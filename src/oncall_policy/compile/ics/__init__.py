"""iCalendar (RFC 5545) feeds of on-call shifts, written with the ``icalendar`` library: ``feed``
turns shifts into a calendar, ``vtimezone`` describes the zones its times are written in."""
