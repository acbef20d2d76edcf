"""`python -m callcenter` = the `callcenter` command."""

from callcenter.cli import main

main()
