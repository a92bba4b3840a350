/**
 * Lessons: plug-ins ({@link io.pagelab.lessons.Lesson}, found with ServiceLoader) that run a
 * simulation and narrate it with text diagrams through a {@link io.pagelab.lessons.LessonContext}.
 */
package io.pagelab.lessons;
