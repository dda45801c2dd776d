package dev.nemotron4j.chat.template.jinja;

import java.util.Arrays;
import java.util.Optional;

/**
 * The global functions a Hugging Face chat template can call: jinja2's defaults ({@code range},
 * {@code dict}, {@code namespace}) and the two transformers adds ({@code raise_exception},
 * {@code strftime_now}). They resolve like variables, below anything the template or caller defines.
 */
enum Builtin {
    RANGE("range", "<class 'range'>"),
    DICT("dict", "<class 'dict'>"),
    NAMESPACE("namespace", "<class 'jinja2.utils.Namespace'>"),
    RAISE_EXCEPTION("raise_exception", "<function raise_exception>"),
    STRFTIME_NOW("strftime_now", "<function strftime_now>");

    private final String pyName;
    private final String repr;

    Builtin(String pyName, String repr) {
        this.pyName = pyName;
        this.repr = repr;
    }

    static Optional<Builtin> named(String name) {
        return Arrays.stream(values()).filter(b -> b.pyName.equals(name)).findFirst();
    }

    String pyName() {
        return pyName;
    }

    @Override
    public String toString() {
        return repr;
    }
}
