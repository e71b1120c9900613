// Prints one plain closing line, `tests: N passed, N failed, N skipped`, after
// jest's own summary (on stderr, like it, to stay after it): CI tools that don't know jest read that line to tell a
// run that tested nothing from a green one.
class PlainSummaryReporter {
  onRunComplete(_contexts, results) {
    const { numPassedTests, numFailedTests, numPendingTests, numTodoTests } = results;
    process.stderr.write(
      `tests: ${numPassedTests} passed, ${numFailedTests} failed, ${numPendingTests + numTodoTests} skipped\n`,
    );
  }
}
module.exports = PlainSummaryReporter;
