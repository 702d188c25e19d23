// The roles of the programme in words, for every screen that names one (the sign-in line, the
// accounts, who sent a quarantined scan).
import { t } from './i18n.js';

export const ROLE_NAMES = {
  admin: ['管理员', 'Administrator'], county: ['县人社局', 'County office'], workstation: ['劳务工作站', 'Workstation'],
  fair_staff: ['招聘会工作人员', 'Fair staff'], greeter: ['车站接站', 'Station greeter'], employer: ['用人单位', 'Employer'],
  worker: ['务工人员', 'Worker'],
};

/** A role in the chosen language; an unknown code as it is. */
export const roleName = (role) => (ROLE_NAMES[role] ? t(...ROLE_NAMES[role]) : role);
