package dev.nemotron4j.chat.template.jinja;

/**
 * Python's {@code None}. A value of its own (not Java {@code null}) because jinja2 tells it apart from
 * an undefined value: {@code tools is defined} is true when {@code tools=None}, and {@code {{ none }}}
 * renders as {@code None}.
 */
enum PyNone {
    NONE;

    @Override
    public String toString() {
        return "None";
    }
}
