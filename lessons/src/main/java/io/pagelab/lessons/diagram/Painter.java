package io.pagelab.lessons.diagram;

import io.pagelab.lessons.Tone;

/**
 * Colours a piece of diagram text. {@code LessonContext::paint} is one; {@link #NONE} leaves text
 * plain, which is what tests and pipes get.
 */
@FunctionalInterface
public interface Painter {

    /** Plain text: no colour at all. */
    Painter NONE = (tone, text) -> text;

    String paint(Tone tone, String text);
}
