"""Product tests with the community (docs/panels.md): a test defined on a segment, an audited
seeded recruitment draw, consent through a personal link, the running test (statuses,
reminders, feedback), a participation score that never reads opinions, the disclosure watch
over testers' posts, and the results report that closes the loop with the people who asked.
"""
