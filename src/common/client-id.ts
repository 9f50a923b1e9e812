/** Client ids are URL path segments and Basic-auth user names: keep them to RFC 3986 unreserved characters. */
export const CLIENT_ID_PATTERN = /^[A-Za-z0-9._~-]{1,64}$/;
