// Services contain no SQL: every statement lives in a repository module of src-main/workspace, beside the function
// that runs it, and services call those functions. This ESLint config refuses SQL statement text in a service's
// string and template literals (upper-case keywords, as the workbench writes its SQL).
const sqlStatement = '/\\b(SELECT|INSERT INTO|INSERT OR REPLACE INTO|UPDATE|DELETE FROM|VACUUM INTO)\\b/';
const message = 'Services contain no SQL: put the statement in a repository module of src-main/workspace and call it from here.';

export const noSqlInServices = {
  files: ['src-main/services/**/*.ts'],
  rules: {
    'no-restricted-syntax': [
      'error',
      { selector: `Literal[value=${sqlStatement}]`, message },
      { selector: `TemplateElement[value.raw=${sqlStatement}]`, message },
    ],
  },
};
