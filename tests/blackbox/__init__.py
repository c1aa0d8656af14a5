"""Black-box tests: start the local server the way `make run` does and talk HTTP to it."""
