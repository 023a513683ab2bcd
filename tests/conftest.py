"""Shared by every test folder: this folder is on the import path, so `browser_support` (the app
server and Chromium for end-to-end tests) is imported the same way from each of them."""
