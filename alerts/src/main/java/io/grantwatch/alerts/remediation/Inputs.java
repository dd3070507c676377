package io.grantwatch.alerts.remediation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The values a remediation needs that the evidence does not give, as named inputs: a shell variable
 * that a lookup command fills (an id GrantWatch can find by name) or that the administrator types in
 * when it is a choice (which role, which workspace), and a Terraform variable. Commands then use
 * {@code "$NAME"}; nothing is printed as a bare placeholder.
 */
final class Inputs {
    /**
     * @param name    shell variable name, upper snake case
     * @param meaning what it is, one line
     * @param lookup  a command whose output is the value, or null when it is a choice the administrator makes
     * @param hint    for a choice: the command that lists the candidates
     */
    record Input(String name, String meaning, String lookup, String hint, String terraform) {
    }

    private final Map<String, Input> inputs = new LinkedHashMap<>();

    /** A value a command finds; the variable is assigned from the command's output. */
    String lookedUp(String name, String meaning, String lookup) {
        inputs.putIfAbsent(name, new Input(name, meaning, lookup, null, null));
        return "$" + name;
    }

    /** A value the administrator chooses; the script asks for it. */
    String chosen(String name, String meaning, String hint) {
        inputs.putIfAbsent(name, new Input(name, meaning, null, hint, null));
        return "$" + name;
    }

    /** In Terraform, the input is this expression (a data source or resource attribute) instead of a variable. */
    void terraformAs(String name, String expression) {
        Input i = inputs.get(name);
        if (i != null) {
            inputs.put(name, new Input(i.name(), i.meaning(), i.lookup(), i.hint(), expression));
        }
    }

    /** The HCL expression that stands for input {@code name}: its data source or resource attribute, else its variable. */
    String expression(String name) {
        Input i = inputs.get(name);
        return i != null && i.terraform() != null ? i.terraform() : "var." + tfName(name);
    }

    /** The HCL expression of a value that may hold {@code $INPUT} references. */
    String hcl(String text) {
        return Hcl.value(text, this::expression);
    }

    /** The inputs the administrator types in (choices), as opposed to those a command looks up. */
    List<String> asked() {
        return inputs.values().stream().filter(i -> i.lookup() == null).map(Input::name).toList();
    }

    List<String> names() {
        return List.copyOf(inputs.keySet());
    }

    boolean isEmpty() {
        return inputs.isEmpty();
    }

    /** Shell lines that set every input, in first-use order; they go before the commands that use them. */
    List<String> shellLines() {
        List<String> out = new ArrayList<>();
        for (Input i : inputs.values()) {
            if (i.lookup() != null) {
                out.add(i.name() + "=$(" + i.lookup() + ")");
            } else {
                // from the terminal, so a block piped into a shell does not read its own next line as the answer
                out.add("read -r -p " + Identifiers.shellQuote(i.meaning() + (i.hint() == null ? "" : " (list: " + i.hint() + ")") + ": ")
                        + " " + i.name() + " < /dev/tty");
            }
        }
        return out;
    }

    /** One sentence per input for the human steps. */
    List<String> steps() {
        List<String> out = new ArrayList<>();
        for (Input i : inputs.values()) {
            out.add("Input " + i.name() + ": " + i.meaning() + (i.lookup() != null ? " — looked up by: " + i.lookup()
                    : i.hint() != null ? " — you choose it; candidates: " + i.hint() : " — you choose it."));
        }
        return out;
    }

    /** Terraform variable blocks for the inputs {@code terraform} refers to. */
    String terraformVariables(String terraform) {
        StringBuilder sb = new StringBuilder();
        for (Input i : inputs.values()) {
            if (i.terraform() != null || !terraform.contains("var." + tfName(i.name()))) {
                continue;
            }
            sb.append("variable \"").append(tfName(i.name())).append("\" {\n  type        = string\n  description = ")
                    .append(Hcl.string(i.meaning())).append("\n}\n\n");
        }
        return sb.toString();
    }

    static String tfName(String shellName) {
        return shellName.toLowerCase(Locale.ROOT);
    }
}
