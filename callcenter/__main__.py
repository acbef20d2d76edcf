"""`python -m callcenter` = the `callcenter` command."""

from callcenter.launcher import main

main()
