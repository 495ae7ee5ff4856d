import { Context } from '@temporalio/activity';

/** The running activity's context, or undefined outside an activity (unit tests call the same code directly). */
export function activityContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}
