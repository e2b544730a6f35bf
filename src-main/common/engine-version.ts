// The engine version stored with every run, so a result can be traced to the code that produced it.
import packageJson from '../../package.json';

export const engineVersion: string = packageJson.version;
