/**
 * The 59 interview questions: the catalog ({@link io.pagelab.questions.InterviewQuestions}) and, in
 * sub-packages {@code q01}...{@code q59}, each question's stub, reference solution and grader.
 */
package io.pagelab.questions;
