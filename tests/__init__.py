"""The tests, in folders that mirror ``service/``; web, API, serving and app-wide tests stand here.

Every folder is a package, so test modules are named by their path (``tests.search.test_parser``) and two
folders may hold modules of the same name."""
