package io.accolade.domain;

import java.util.regex.Pattern;

/**
 * What an identifier may look like. App ids, metric keys and achievement keys: 1–64 letters, digits, '-', '_', '.'.
 * User ids are the client's own ids and may also hold ':' (Mobage's "sp.mbga.jp:10234"), '@' and '+' (emails), but
 * not a leading '@' (reserved for {@code @me}) nor ',' (Mobage separates id lists with commas). Neither may be "." or
 * "..", which a URL path cannot carry.
 */
public final class Ids {
    private Ids() {
    }

    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    /** Also '|': identity providers' ids look like "auth0|5f7c8ec7…", and an app must not have to rename its users. */
    private static final Pattern USER = Pattern.compile("[A-Za-z0-9._:+|-][A-Za-z0-9._:@+|-]{0,127}");

    public static boolean isKey(String s) {
        return s != null && KEY.matcher(s).matches() && !isDotSegment(s);
    }

    public static boolean isUserId(String s) {
        return s != null && USER.matcher(s).matches() && !isDotSegment(s);
    }

    /** "." and ".." cannot name anything in a URL path: clients and proxies resolve them away (RFC 3986 5.2.4). */
    private static boolean isDotSegment(String s) {
        return s.equals(".") || s.equals("..");
    }

    /** Validates an app id, metric key or achievement key; {@code what} names it in the error. */
    public static String key(String s, String what) {
        if (!isKey(s)) {
            throw Rejection.invalid("'" + what + "' must be 1-64 characters of letters, digits, '-', '_' or '.' (not . or ..)"
                    + (s == null ? "" : ", got '" + abbreviate(s) + "'"));
        }
        return s;
    }

    public static String userId(String s, String what) {
        if (!isUserId(s)) {
            throw Rejection.invalid("'" + what + "' must be 1-128 characters of letters, digits and - _ . : @ + |"
                    + " (not starting with @, not . or ..)" + (s == null ? "" : ", got '" + abbreviate(s) + "'"));
        }
        return s;
    }

    /** Keeps error messages short and printable whatever the client sent. */
    public static String abbreviate(String s) {
        String clean = s.codePoints()
                .map(c -> c < 0x20 || c == 0x7f ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
        return clean.length() > 40 ? clean.substring(0, 40) + "..." : clean;
    }
}
