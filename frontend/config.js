// Where the API lives. "" means the same origin as this page (the usual deployment: the
// app serves the SPA from frontend/). Set a full origin, e.g. "https://api.example.org",
// to host the SPA elsewhere; that origin must then list this one in CANDOUR_CORS_ORIGINS
// and be on the same site, because the session cookie is SameSite=Strict.
export const API_BASE = "";

// The name shown in the header and in every page title.
export const SERVICE_NAME = "Candour";
