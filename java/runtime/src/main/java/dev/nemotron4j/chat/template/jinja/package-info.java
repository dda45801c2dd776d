/**
 * jinja2, as Hugging Face transformers configures it for chat templates, on Jinjava.
 *
 * <p>The pipeline: {@link dev.nemotron4j.chat.template.jinja.Lexer} (jinja2's tokenizer, whitespace control
 * included) → {@code Parser}/{@code ExprParser} (jinja2's grammar, into {@code Stmt}/{@code Expr}) →
 * {@code Emitter}/{@code ElCompiler} (a Jinjava template of {@code py_*} tags whose EL calls {@code py:}
 * functions) → Jinjava builds the tag tree, keeps the scopes and evaluates the EL → the {@code Py*} classes
 * give every operation Python's semantics (values, str methods, filters, tests, tojson). Why not Jinjava's
 * own syntax and operators: its whitespace control, EL coercions ({@code '1' == 1}, "false" is falsy),
 * {@code +}, null handling and string methods differ from jinja2's, and the output must be byte-identical.
 * To support another construct: parse it, emit a tag or a {@code py:} call, and add a case to
 * {@code models/chat-template/extra_renders.json} from the generator in {@code models/README.md}.
 */
package dev.nemotron4j.chat.template.jinja;
