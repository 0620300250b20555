"""A strict Content-Security-Policy on every response: only this server's scripts, styles, fonts and
images, no inline script, nothing framed. The Django admin and the API docs page get inline styles and
(docs only) the inline bootstrap script their vendored templates need."""

STRICT = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; media-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
ADMIN = STRICT.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
DOCS = ADMIN.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            path = request.path
            if path.startswith("/api/v1/docs"):
                policy = DOCS
            elif path.startswith("/admin/"):
                policy = ADMIN
            else:
                policy = STRICT
            response["Content-Security-Policy"] = policy
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class DomainErrorPageMiddleware:
    """Pages raise the same domain errors as services; show them as a readable page with their status
    (a log-in prompt for 401) instead of a server error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.contrib.auth.views import redirect_to_login

        from servicehall.core.errors import DomainError, NotAuthenticated
        from servicehall.core.views import error_page

        if not isinstance(exception, DomainError):
            return None
        if isinstance(exception, NotAuthenticated):
            return redirect_to_login(request.get_full_path())
        return error_page(request, exception)
