"""Regards croisés: the territories of a cohort side by side, within what each of them shares.

A cohort is the territories of one edition of the programme (`cohorts.Cohort`). Each workspace says what it
shares with its cohorts (`Workspace.sharing`: nothing, a summary, everything); `sharing.shared_view` is the
one gate through which anything of a workspace reaches another screen, table or document, so a workspace
that shares nothing appears nowhere. `compare` builds the tables side by side, `models` copies another
territory's fiche action as a model into one's own workspace.
"""
