import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, MaxLength, MinLength } from 'class-validator';
import { IsStrongPassword, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../password-policy';

export class LoginDto {
  @ApiProperty({ example: 'admin@example.com' }) @IsEmail() @MaxLength(320) email: string;
  @ApiProperty({ format: 'password' }) @IsString() @MinLength(1) @MaxLength(MAX_PASSWORD_LENGTH) password: string;
}

export class ChangePasswordDto {
  @ApiProperty({ format: 'password' }) @IsString() @MinLength(1) @MaxLength(MAX_PASSWORD_LENGTH) currentPassword: string;
  @ApiProperty({
    format: 'password',
    minLength: MIN_PASSWORD_LENGTH,
    maxLength: MAX_PASSWORD_LENGTH,
    description: 'at least 12 characters and hard to guess (zxcvbn score ≥ 3)',
  })
  @IsString()
  @IsStrongPassword()
  newPassword: string;
}

export class TokenDto {
  @ApiProperty({ description: 'JWT for Authorization: Bearer <accessToken>' }) accessToken: string;
  @ApiProperty({ description: 'seconds until the token expires' }) expiresIn: number;
}
