/** RFC 8628 `verification_uri`'s path: the page where a user enters a device's code, for every issuer. */
export const DEVICE_PAGE_PATH = '/device';
