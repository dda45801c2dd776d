package dev.nemotron4j.chat.template.jinja;

/**
 * A method looked up on a value ({@code message.get}, {@code content.strip}) and not yet called, as
 * jinja2's sandboxed {@code getattr} returns it; {@link PyCalls} runs it when the template calls it.
 */
record BoundMethod(Object self, String name) {
    @Override
    public String toString() {
        return "<built-in method " + name + " of " + PyObjects.typeName(self) + " object>";
    }
}
