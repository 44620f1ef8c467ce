package io.convoy.core.config;

import java.util.List;
import java.util.Locale;

/** The two tables every service prints: its keys ({@code --keys}) and its effective configuration (start-up log). */
public final class KeyTables {
    private KeyTables() {}

    /**
     * One line per key: name, environment variable, default ({@code (required)} when there is none, {@code ""}
     * when it is empty) and doc, in aligned columns.
     */
    public static <K extends Enum<K> & DeclaredKey> String keys(Class<K> keys) {
        K[] all = keys.getEnumConstants();
        int name = 0;
        int env = 0;
        int dflt = 0;
        for (K k : all) {
            name = Math.max(name, k.key().length());
            env = Math.max(env, k.envVar().length());
            dflt = Math.max(dflt, shownDefault(k).length());
        }
        StringBuilder b = new StringBuilder();
        for (K k : all) {
            b.append(String.format(Locale.ROOT, "%-" + name + "s  %-" + env + "s  %-" + dflt + "s  %s%n",
                    k.key(), k.envVar(), shownDefault(k), k.doc()));
        }
        return b.toString();
    }

    /** The default as the keys table shows it. */
    public static String shownDefault(DeclaredKey k) {
        return k.defaultValue().map(d -> d.isEmpty() ? "\"\"" : d).orElse(k.required() ? "(required)" : "(none)");
    }

    /** One line per setting: name, value as it may be shown ({@link KeySetting#shown()}) and source, aligned. */
    public static String effective(List<? extends KeySetting<?>> settings) {
        int name = 0;
        int value = 0;
        for (KeySetting<?> s : settings) {
            name = Math.max(name, s.key().key().length());
            value = Math.max(value, s.shown().length());
        }
        StringBuilder b = new StringBuilder();
        for (KeySetting<?> s : settings) {
            b.append(String.format(Locale.ROOT, "  %-" + name + "s  %-" + value + "s  (%s)%n", s.key().key(), s.shown(),
                    s.source()));
        }
        return b.toString();
    }
}
