"""The Givebutter face: /v1/contacts/{contact}/activities over the contact-log records,
Givebutter's (Laravel's) `{"message", "errors"}` error shape and page/per_page lists."""
