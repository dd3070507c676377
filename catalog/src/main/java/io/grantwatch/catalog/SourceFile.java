package io.grantwatch.catalog;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A catalog data file's text, used to point problems at lines. The YAML mapper gives a line only
 * for parse errors; for rule violations found after parsing, the line is found again in the text
 * by the entry's id (or list position) and the field's name. Best effort: 0 means unknown.
 */
final class SourceFile {
    private static final Pattern LIST_INDEX = Pattern.compile("\\[(\\d+)]$");
    private final String name;
    private final List<String> lines;

    SourceFile(String name, String text) {
        this.name = name;
        this.lines = text.lines().toList();
    }

    String name() {
        return name;
    }

    /** Line of the {@code occurrence}-th (0-based) {@code id: <id>} in the file. */
    int lineOfId(String id, int occurrence) {
        if (id == null) {
            return 0;
        }
        Pattern p = Pattern.compile("^\\s*(-\\s+)?id:\\s*['\"]?" + Pattern.quote(id) + "['\"]?\\s*(#.*)?$");
        int seen = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (p.matcher(lines.get(i)).matches() && seen++ == occurrence) {
                return i + 1;
            }
        }
        return 0;
    }

    /** The id of the closest {@code id:} at or above a line (1-based), or null. */
    String idAtOrBefore(int line) {
        Pattern p = Pattern.compile("^\\s*(-\\s+)?id:\\s*['\"]?([^'\"#]+?)['\"]?\\s*(#.*)?$");
        for (int i = Math.min(line, lines.size()) - 1; i >= 0; i--) {
            Matcher m = p.matcher(lines.get(i));
            if (m.matches()) {
                return m.group(2);
            }
        }
        return null;
    }

    /** Line of the index-th item of a top-level list such as {@code apis:}. */
    int lineOfListItem(String section, int index) {
        int start = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(section + ":")) {
                start = i;
                break;
            }
        }
        if (start < 0) {
            return 0;
        }
        int seen = 0;
        for (int i = start + 1; i < lines.size(); i++) {
            String l = lines.get(i);
            if (!l.isEmpty() && !l.startsWith(" ") && !l.startsWith("-") && !l.startsWith("#")) {
                break;
            }
            if (l.matches("^ {0,2}- .*") && seen++ == index) {
                return i + 1;
            }
        }
        return 0;
    }

    /**
     * Line of the field after the entry's line: the first {@code name:} of the field path's last
     * segment, or the entry's own line when not found before the next entry.
     */
    int lineOfField(int entryLine, String fieldPath) {
        if (entryLine <= 0 || fieldPath == null || fieldPath.isEmpty()) {
            return entryLine;
        }
        Matcher idx = LIST_INDEX.matcher(fieldPath);
        int index = idx.find() ? Integer.parseInt(idx.group(1)) : -1;
        String last = fieldPath.replaceAll("\\[\\d+]", "");
        int dot = last.lastIndexOf('.');
        last = dot >= 0 ? last.substring(dot + 1) : last;
        Pattern p = Pattern.compile("^\\s*(-\\s+)?" + Pattern.quote(last) + ":.*");
        int indent = indentOf(lines.get(entryLine - 1));
        for (int i = entryLine; i < lines.size(); i++) {
            String l = lines.get(i);
            Matcher m = p.matcher(l);
            if (m.matches()) {
                return index < 0 ? i + 1 : listItemAfter(i, index);
            }
            if (!l.isBlank() && l.trim().startsWith("- ") && indentOf(l) <= indent) {
                break;
            }
        }
        return entryLine;
    }

    /** The index-th {@code - } item below the line {@code header} (0-based line index); the header's line if absent. */
    private int listItemAfter(int header, int index) {
        int seen = 0;
        for (int i = header + 1; i < lines.size(); i++) {
            String t = lines.get(i).trim();
            if (!t.startsWith("- ")) {
                break;
            }
            if (seen++ == index) {
                return i + 1;
            }
        }
        return header + 1;
    }

    private static int indentOf(String line) {
        int n = 0;
        while (n < line.length() && line.charAt(n) == ' ') {
            n++;
        }
        return n;
    }
}
